/** Injection tokens for what the API is given at start: the configuration and the Temporal client. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const TEMPORAL_CLIENT = Symbol('TEMPORAL_CLIENT');
export const WORK_ORDER_ARTIFACTS = Symbol('WORK_ORDER_ARTIFACTS');
export const API_LOGGER = Symbol('API_LOGGER');
export const SERVICE_VERSION = Symbol('SERVICE_VERSION');
