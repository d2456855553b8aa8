from bundlegen.cli import main

main()
