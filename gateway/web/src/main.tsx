import { render } from 'preact';
import { resumeSession } from './api/client';
import { App } from './app';
import './styles.css';

// A reload keeps the browser session (its cookies): resume it before the first page decides
// where to go.
resumeSession().finally(() => render(<App />, document.getElementById('app')!));
