print("shared by both bundles")
