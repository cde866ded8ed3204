/** The ApiAuth this process resolved at start (token, source, required). */
export const API_AUTH = Symbol('API_AUTH');
