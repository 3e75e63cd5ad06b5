# the last line of only spaces (before the closing '') is dropped
[ ''
  a
  '' ''
  a
      '' ''
  a
b'' ]
