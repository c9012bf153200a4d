-- wrk: every request a login POST.
wrk.method = "POST"
wrk.body = "username=bench&password=bench-password"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
