#pragma once
// The subcommands of `hiebroker`. Each returns the process exit code.

namespace hie::cli {

int serve_command(int argc, char** argv);         // hiebroker serve --config FILE [--set P=V]...
int check_config_command(int argc, char** argv);  // hiebroker check-config FILE [--set P=V]...
int translate_command(int argc, char** argv);     // hiebroker translate --from FORMAT FILE...

}  // namespace hie::cli
