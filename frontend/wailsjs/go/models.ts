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
	    seq: number;
	    model: string;
	    system: string;
	}

}

export namespace ipc {
	
	export interface Hello {
	    windowId: number;
	    role: string;
	    conversationId?: string;
	    demo?: boolean;
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

