export namespace chat {
	
	export interface Usage {
	    input: number;
	    output: number;
	}
	export interface Message {
	    role: string;
	    text: string;
	    status?: string;
	    error?: string;
	    usage?: Usage;
	}
	export interface Snapshot {
	    messages: Message[];
	    first: number;
	    total: number;
	    seq: number;
	    model: string;
	    system: string;
	}

}

export namespace ipc {
	
	export interface ConversationInfo {
	    id: string;
	    title: string;
	    updated: number;
	    messages: number;
	    windowId?: number;
	}
	export interface Files {
	    settings: string;
	    logs: string;
	    data: string;
	}
	export interface Hello {
	    windowId: number;
	    role: string;
	    conversationId?: string;
	    demo?: boolean;
	    position: number;
	    notice?: string;
	}
	export interface Model {
	    id: string;
	    name: string;
	}
	export interface ModelList {
	    models: Model[];
	    note?: string;
	}
	export interface SDKProfile {
	    name: string;
	    label?: string;
	    usable: boolean;
	    problem?: string;
	}
	export interface SearchHit {
	    conversationId: string;
	    title: string;
	    position: number;
	    role: string;
	    snippet: string;
	}
	export interface Settings {
	    theme: string;
	    defaultModel: string;
	    proxy: string;
	    anthropic: settings.AnthropicOAuth;
	    gateway: settings.Gateway;
	}
	export interface SettingsChange {
	    theme?: string;
	    defaultModel?: string;
	    proxy?: string;
	    anthropic?: settings.AnthropicOAuth;
	    gateway?: settings.Gateway;
	}
	export interface SettingsInfo {
	    settings: Settings;
	    files: Files;
	}
	export interface SignInMethod {
	    id: string;
	    name: string;
	    description: string;
	    problem?: string;
	}
	export interface SignInProgress {
	    state: string;
	    method?: string;
	    message?: string;
	    authUrl?: string;
	}
	export interface SignInOptions {
	    methods: SignInMethod[];
	    envKeyHint?: string;
	    storage: string;
	    progress: SignInProgress;
	    sdkProfiles?: SDKProfile[];
	}

}

export namespace settings {
	
	export interface AnthropicOAuth {
	    clientId?: string;
	    authorizeUrl?: string;
	    tokenUrl?: string;
	}
	export interface Gateway {
	    issuer?: string;
	    clientId?: string;
	    apiBaseUrl?: string;
	    scopes?: string[];
	}

}

