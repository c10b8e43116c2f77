namespace PointsEngine.Api.Access.Accounts;

/// What a password must be, said in Chinese on the page that asks for it (#18). Kept simple for members of
/// every age: length does the work, not symbol rules; only the obvious guesses are refused.
public static class PasswordRules
{
    public const int MinLength = 8;
    public const int MaxLength = 128;

    public static readonly string[] Shown =
    [
        $"至少 {MinLength} 个字符（数字、字母、汉字都可以）",
        "不能全是同一个字符，也不能是 12345678 这样的连续数字",
        "不能与登录名（手机号或编号）相同",
    ];

    /// Null when acceptable; else (code, Chinese, English).
    public static (string Code, string Zh, string En)? Check(string? password, string? confirm, string loginName)
    {
        var p = password ?? "";
        if (p.Length < MinLength) return ("too-short", $"密码至少 {MinLength} 个字符。", $"The password needs at least {MinLength} characters.");
        if (p.Length > MaxLength) return ("too-long", $"密码最多 {MaxLength} 个字符。", $"The password may have at most {MaxLength} characters.");
        if (p.Distinct().Count() == 1 || "0123456789012345678901234567890".Contains(p, StringComparison.Ordinal) || "9876543210987654321098765432109".Contains(p, StringComparison.Ordinal))
            return ("too-simple", "密码太简单（同一个字符或连续数字），请换一个。", "The password is too simple (one character repeated, or a run of digits).");
        if (AccountBook.LoginKey(p) == AccountBook.LoginKey(loginName))
            return ("same-as-login", "密码不能与登录名相同。", "The password must not be the login name.");
        if (p != confirm) return ("mismatch", "两次输入的密码不一致。", "The two passwords differ.");
        return null;
    }
}
