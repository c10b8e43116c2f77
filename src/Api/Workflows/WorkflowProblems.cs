using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Api.Workflows;

public static class WorkflowProblems
{
    /// A refused workflow step as a problem document: 400, 403, 404 or 409 by what kind of refusal it is.
    public static ApiProblem ToProblem(this Refusal refusal, string field) => ApiProblem.Field(refusal.Kind switch
    {
        RefusalKind.NotFound => StatusCodes.Status404NotFound,
        RefusalKind.Conflict => StatusCodes.Status409Conflict,
        RefusalKind.Forbidden => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status400BadRequest,
    }, field, refusal.Code, refusal.Chinese, refusal.English);

    public static ApiProblem Forbidden(string code, string zh, string en) => new(StatusCodes.Status403Forbidden, code, zh, en);

    public static ApiProblem NotAMember() => Forbidden("member-token-required",
        "只有党员本人的令牌才能提交（令牌未关联党员编号）。", "Only a member's own token may submit this (the token names no member).");

    public static DateOnly Today(this TimeProvider clock) => DateOnly.FromDateTime(clock.GetLocalNow().DateTime);

    public static bool ReadsEverything(this Caller caller) => caller.Role is Role.Admin or Role.Appraiser;
}
