// The page's entry (index.html): starts the app. Every other module only defines things when
// imported, so each can be loaded and tested on its own (tests/web, under node).
import { boot } from './app.js';

boot();
