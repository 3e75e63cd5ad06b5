[ (./a < ./b) (./a/b > ./a) (./data == ./data/.) (./data != ./data/a.txt) ]
