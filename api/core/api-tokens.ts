/** Injection tokens for what the API is given at start (configuration, Temporal client) and opens once (the log store). */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const TEMPORAL_CLIENT = Symbol('TEMPORAL_CLIENT');
export const WORK_ORDER_STARTER = Symbol('WORK_ORDER_STARTER');
export const EARLY_PREPARES = Symbol('EARLY_PREPARES');
export const WORK_ORDER_LOG_STORE = Symbol('WORK_ORDER_LOG_STORE');
export const API_LOGGER = Symbol('API_LOGGER');
export const SERVICE_VERSION = Symbol('SERVICE_VERSION');
