import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { App } from './app';
import { watchLongValues } from './long';

watchLongValues();
render(<App />, document.getElementById('app')!);
