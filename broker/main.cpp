// hiebroker: the broker's command. Each subcommand lives in broker/cli/.

#include <iostream>
#include <string_view>

#include "broker/cli/commands.hpp"

namespace {

constexpr const char* kUsage =
    "usage: hiebroker COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  serve --config FILE [--set PATH=VALUE]...   run the broker\n"
    "  check-config FILE [--set PATH=VALUE]...     validate a configuration file\n"
    "  translate --from FORMAT FILE...             translate files into one FHIR Bundle\n"
    "  journal --config FILE [--set PATH=VALUE]... print the durable journal as JSON lines\n"
    "  dev-token --config FILE --patient NHSNUMBER [--scope S] [--ttl SECONDS]\n"
    "                                              print a development bearer token\n"
    "\n"
    "  hiebroker COMMAND --help   help on one command\n"
    "  hiebroker --version        print the version\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  std::string_view command = argv[1];
  if (command == "--version" || command == "version") {
    std::cout << "hiebroker " << HIE_VERSION << "\n";
    return 0;
  }
  if (command == "--help" || command == "help" || command == "-h") {
    std::cout << kUsage;
    return 0;
  }
  if (command == "serve") return hie::cli::serve_command(argc, argv);
  if (command == "check-config") return hie::cli::check_config_command(argc, argv);
  if (command == "translate") return hie::cli::translate_command(argc, argv);
  if (command == "journal") return hie::cli::journal_command(argc, argv);
  if (command == "dev-token") return hie::cli::dev_token_command(argc, argv);
  std::cerr << "hiebroker: unknown command '" << command << "'\n" << kUsage;
  return 2;
}
