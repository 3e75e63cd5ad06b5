a@{ a }: a
