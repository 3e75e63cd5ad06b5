# an imported file does not see the importer's variables
let local = "in file"; in local
