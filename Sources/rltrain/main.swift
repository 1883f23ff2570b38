print("rltrain")
