[__curPos.line
  __curPos.column ]