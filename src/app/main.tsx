// Studio entry: mounts the React app and restores saved data from IndexedDB (in the worker).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { useStudio } from './store/store.ts';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void useStudio.getState().init();
