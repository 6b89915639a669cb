#include "app/settings_binding.h"

#include <iostream>

#include <CLI/CLI.hpp>

namespace findme::app {

void bind_settings(CLI::App& command, config::Settings& settings, int& exit_code) {
  command.preparse_callback([&settings, &exit_code](std::size_t) {
    Result<config::Settings> from_env =
        config::settings_from_environment(config::process_environment());
    if (!from_env) {
      std::cerr << "findme: " << from_env.error().message << "\n";
      exit_code = 1;
      return;
    }
    settings = *from_env;
  });
  config::add_flags(command, settings);
}

}  // namespace findme::app
