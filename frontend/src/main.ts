import { mount } from 'svelte';
import App from './App.svelte';
import { wailsBackend } from './lib/bridge';
import { Session } from './lib/session.svelte';
import './app.css';

const session = new Session(wailsBackend);
mount(App, { target: document.getElementById('app')!, props: { session } });
void session.start();
