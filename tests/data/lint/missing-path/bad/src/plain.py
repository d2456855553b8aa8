print("plain file")
