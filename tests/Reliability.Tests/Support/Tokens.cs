using PointsEngine.Api.Access;
using PointsEngine.Domain.Values;

namespace PointsEngine.Reliability.Tests.Support;

/// Bearer tokens signed with the key the test servers are started with (Auth:SigningKey).
public static class Tokens
{
    public const string SigningKey = "reliability-test-signing-key-0123456789-abcdefghij";

    private static readonly TokenService Service = new(Api.Access.SigningKey.FromText(SigningKey, "tests"), TimeProvider.System);

    public static string Admin(string subject = "admin-1") =>
        Service.IssueNew(subject, subject, Role.Admin, [], null, TimeSpan.FromHours(6)).Token;

    public static string Secretary(string subject, params string[] branches) =>
        Service.IssueNew(subject, subject, Role.Secretary, [.. branches.Select(BranchId.Parse)], null, TimeSpan.FromHours(6)).Token;

    public static string Member(string member) =>
        Service.IssueNew(member, member, Role.Member, [], MemberId.Parse(member), TimeSpan.FromHours(6)).Token;
}
