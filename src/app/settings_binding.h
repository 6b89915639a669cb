// Gives a subcommand findme's settings: the environment first, then its flags over it.
#pragma once

#include "config/settings.h"

namespace CLI {
class App;
}

namespace findme::app {

// Before `command` parses, `settings` is filled from the environment (a bad variable prints one
// line and sets exit_code to 1); then the command's flags override it. `settings` and
// `exit_code` must outlive the parse.
void bind_settings(CLI::App& command, config::Settings& settings, int& exit_code);

}  // namespace findme::app
