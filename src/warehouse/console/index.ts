export { ConsoleDriver, type ConsoleDriverOptions } from './console-driver.js';
