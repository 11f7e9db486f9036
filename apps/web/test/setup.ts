import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// Without `globals: true` Testing Library cannot register its own cleanup.
afterEach(() => {
  cleanup();
  // Pages keep state in their history entry (auth steps survive a reload); tests start afresh.
  window.history.replaceState(null, '');
});

// jsdom has no modal <dialog>: open/close by attribute, as a browser would show or hide it.
if (typeof HTMLDialogElement !== 'undefined' && !HTMLDialogElement.prototype.showModal) {
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    this.removeAttribute('open');
    this.dispatchEvent(new Event('close'));
  };
}
