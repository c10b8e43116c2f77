namespace PointsEngine.Api.Access;

/// The four roles of issue #5. The token carries the role's wire name.
public enum Role
{
    Admin,      // 管理员: the whole organisation, rules, calendar, tokens
    Secretary,  // 支部书记: records for their own branches only
    Appraiser,  // 考核人员: reads evidence and reports, records nothing
    Member,     // 党员: their own data; may submit their own suggestions and golden ideas
}

public static class Roles
{
    public const string Admin = "admin";
    public const string Secretary = "secretary";
    public const string Appraiser = "appraiser";
    public const string Member = "member";

    public static string NameOf(Role role) => role switch
    {
        Role.Admin => Admin,
        Role.Secretary => Secretary,
        Role.Appraiser => Appraiser,
        _ => Member,
    };

    public static bool TryParse(string? text, out Role role)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case Admin or "管理员": role = Role.Admin; return true;
            case Secretary or "支部书记" or "书记": role = Role.Secretary; return true;
            case Appraiser or "考核人员": role = Role.Appraiser; return true;
            case Member or "党员": role = Role.Member; return true;
            default: role = default; return false;
        }
    }
}
