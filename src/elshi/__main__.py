from elshi.cli import main

main()
