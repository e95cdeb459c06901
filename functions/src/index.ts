// The Functions app's entry (package.json "main" after the build): registers the worker's functions on
// the host's `app` with services built from the app settings.
import { app } from '@azure/functions';
import { registerWorkerFunctions } from './app';
import { environmentServices } from './environment';

registerWorkerFunctions(app, environmentServices());
