// findme: finds every photo of a person among an event's photos.
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/commands.h"

int main(int argc, char** argv) {
  CLI::App root{"findme: finds every photo of a person among an event's photos"};
  root.require_subcommand(1);
  root.set_version_flag("--version", FINDME_VERSION);
  int exit_code = 0;
  findme::app::add_serve_command(root, exit_code);
  findme::app::add_import_command(root, exit_code);
  findme::app::add_check_command(root, exit_code);
  findme::app::add_faces_command(root, exit_code);
  findme::app::add_compare_command(root, exit_code);
  findme::app::add_accuracy_command(root, exit_code);
  try {
    root.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return root.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "findme: " << e.what() << "\n";
    return 1;
  }
  return exit_code;
}
