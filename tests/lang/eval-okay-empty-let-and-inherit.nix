# degenerate but valid forms
[ (let in 1) { inherit; } (let inherit; in 2) { inherit ({ }); } (rec { }) ({ a = 1; } . a) ]
