[ (1 == 1) (1 == "1") (null == null) (true == true) (true != false) ("a" == "a") (./data == ./data) ("x" == ./x) ([ ] == [ ]) ({ } == { }) (null == false) ]
