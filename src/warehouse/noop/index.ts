export { NoopDriver } from './noop-driver.js';
