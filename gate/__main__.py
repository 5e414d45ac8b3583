from gate._main import main

main()
