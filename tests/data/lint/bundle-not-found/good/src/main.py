print('linting a file inside a bundle lints its bundle')
