export namespace ipc {
	
	export interface Hello {
	    windowId: number;
	    role: string;
	    conversationId?: string;
	}

}

