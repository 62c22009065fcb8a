import Glibc

exit(SimMain.run(Array(CommandLine.arguments.dropFirst())))
