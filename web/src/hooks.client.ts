// Browser start-up: remember the reader's time zone in a cookie before any page asks the
// server for data, so server loads that count days (the usage page) count the reader's.
import type { ClientInit } from '@sveltejs/kit';
import { rememberTimeZone } from '$lib/time-zone';

export const init: ClientInit = () => {
  rememberTimeZone();
};
