import { mount } from 'svelte';
import App from './App.svelte';
import { wailsBackend, wailsDesktop } from './lib/bridge';
import { followEditMenu } from './lib/edit';
import { Session } from './lib/session.svelte';
import { followTheme } from './lib/theme';
import './app.css';

const session = new Session(wailsBackend);
followTheme(wailsBackend, document.documentElement);
followEditMenu(wailsDesktop, document);
mount(App, { target: document.getElementById('app')!, props: { session, desktop: wailsDesktop } });
void session.start();
