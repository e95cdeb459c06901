// @azure/msal-node-extensions stores its token cache through keytar (archived; its binary comes from
// GitHub releases or a node-gyp build). This package stands in for it (package.json `overrides`) with
// the same three calls over @napi-rs/keyring, whose prebuilt binaries come from the npm registry.
// On Linux it asks for the Secret Service only: no silent fallback to the kernel keyring, which
// forgets everything at logout.
'use strict';
const { AsyncEntry } = require('@napi-rs/keyring');

const options = { linux: { store: 'secret-service' } };
const entry = (service, account) => new AsyncEntry(service, account, options);

exports.getPassword = (service, account) => entry(service, account).getPassword();
exports.setPassword = (service, account, password) => entry(service, account).setPassword(password);
exports.deletePassword = (service, account) => entry(service, account).deletePassword();
