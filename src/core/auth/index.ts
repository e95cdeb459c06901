// Public surface of the authentication module.
export * from './authService';
export * from './credentials';
export * from './errors';
export * from './jwt';
export * from './msalTokenSource';
export { isMicrosoftLoginHost } from './microsoftAuthority';
export * from './roles';
export * from './tokenProvider';
export * from './authorizedRequest';
export * from './deviceCodeTokenSource';
export * from './secretTarget';
