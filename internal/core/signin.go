package core

import (
	"context"

	"github.com/sourcegraph/jsonrpc2"

	"parley/internal/ipc"
)

// handleSignIn serves the wizard's methods; ok is false for other methods.
func (c *Core) handleSignIn(ctx context.Context, req *jsonrpc2.Request) (result any, ok bool, err error) {
	s := c.cfg.SignIn
	switch req.Method {
	case ipc.MethodSignInOptions:
		return ipc.SignInOptions{Methods: s.Methods(), EnvKeyHint: s.EnvKeyHint(), Storage: s.StorageName(), Progress: s.Progress(), SDKProfiles: s.SDKProfiles()}, true, nil
	case ipc.MethodUseSDKProfile:
		var p ipc.MethodParams
		if err := unmarshalParams(req, &p); err != nil {
			return nil, true, err
		}
		return nil, true, s.UseSDKProfile(p.Method)
	case ipc.MethodSignInWithKey:
		var p ipc.KeyParams
		if err := unmarshalParams(req, &p); err != nil {
			return nil, true, err
		}
		return nil, true, s.SignInWithKey(ctx, p.Key)
	case ipc.MethodImportEnvKey:
		return nil, true, s.ImportEnvKey(ctx)
	case ipc.MethodStartOAuth:
		var p ipc.MethodParams
		if err := unmarshalParams(req, &p); err != nil {
			return nil, true, err
		}
		return nil, true, s.StartOAuth(ctx, p.Method)
	case ipc.MethodPasteCode:
		var p ipc.CodeParams
		if err := unmarshalParams(req, &p); err != nil {
			return nil, true, err
		}
		return nil, true, s.PasteCode(ctx, p.Code)
	case ipc.MethodCancelSignIn:
		s.Cancel()
		return nil, true, nil
	case ipc.MethodChooseStorage:
		var p ipc.StorageParams
		if err := unmarshalParams(req, &p); err != nil {
			return nil, true, err
		}
		return nil, true, s.ChooseStorage(p.Choice, p.Path)
	case ipc.MethodSignOut:
		return nil, true, s.SignOut()
	}
	return nil, false, nil
}
