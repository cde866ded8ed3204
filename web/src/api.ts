import { createApiClient } from '../../client/index.js';

/** Same origin as the service: relative URLs, and the session cookie goes along. */
export const api = createApiClient();
