// Closing the tab asks first only while something would be lost.
import { describe, expect, it } from 'vitest';
import { askBeforeLeaving } from './page-leaving.ts';

describe('askBeforeLeaving', () => {
  it('asks while something waits, not otherwise, and no more once stopped', () => {
    const page = new EventTarget();
    let waiting = true;
    const stop = askBeforeLeaving(() => waiting, page);
    const leave = () => {
      // Node's Event has a read-only returnValue; a browser's BeforeUnloadEvent takes one.
      const event = Object.defineProperty(new Event('beforeunload', { cancelable: true }), 'returnValue', { value: false, writable: true }) as Event & { returnValue: unknown };
      page.dispatchEvent(event);
      return event.defaultPrevented && event.returnValue === true;
    };
    expect(leave()).toBe(true);
    waiting = false;
    expect(leave()).toBe(false);
    waiting = true;
    stop();
    expect(leave()).toBe(false);
  });
});
