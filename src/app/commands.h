// The findme subcommands. Each registers itself on the root CLI11 app and runs when chosen;
// run functions return the process exit code.
#pragma once

namespace CLI {
class App;
}

namespace findme::app {

void add_faces_command(CLI::App& root, int& exit_code);
void add_compare_command(CLI::App& root, int& exit_code);
void add_serve_command(CLI::App& root, int& exit_code);
void add_import_command(CLI::App& root, int& exit_code);
void add_accuracy_command(CLI::App& root, int& exit_code);
void add_check_command(CLI::App& root, int& exit_code);

}  // namespace findme::app
