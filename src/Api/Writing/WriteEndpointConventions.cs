namespace PointsEngine.Api.Writing;

public static class WriteEndpointConventions
{
    /// The problem answers every write may give, for the OpenAPI document.
    public static RouteHandlerBuilder DocumentedAsWrite(this RouteHandlerBuilder builder, params int[] more)
    {
        foreach (var status in new[] { 400, 401, 403, 404, 409, 413, 422, 429, 503 }.Concat(more).Distinct())
            builder.ProducesProblem(status);
        return builder;
    }
}
