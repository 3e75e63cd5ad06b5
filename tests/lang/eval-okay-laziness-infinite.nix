# self-referential lazy structures are fine as long as only a finite part is used
let nats = n: { head = n; tail = nats (n + 1); }; s = nats 0; in s.tail.tail.tail.head
