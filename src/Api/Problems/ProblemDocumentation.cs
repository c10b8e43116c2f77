using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PointsEngine.Api.Problems;

/// Makes the OpenAPI document (/openapi/v1.json) say what the API really answers (issue #16 finding 2.9):
/// errors are <see cref="ApiProblem"/> documents (the framework's ProblemDetails schema forbids the code,
/// zh, en, errors and traceId every answer carries), and each operation lists the errors it can give —
/// 400 for bad parameters or bodies, 401/403 behind a policy, 404 where a path names something, 413/415
/// where it takes a body, 414 from the server for an overlong request line (no body) — besides those its
/// endpoint declares.
public static class ProblemDocumentation
{
    public const string SchemaName = "Problem";

    public static IServiceCollection AddDocumentedOpenApi(this IServiceCollection services) => services.AddOpenApi(o =>
    {
        o.AddOperationTransformer((operation, context, _) =>
        {
            Document(operation, context);
            return Task.CompletedTask;
        });
        o.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas.Remove("ProblemDetails");
            document.Components.Schemas[SchemaName] = ProblemSchema();
            return Task.CompletedTask;
        });
    });

    private static void Document(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var description = context.Description;
        if (description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) != true) return;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        operation.Responses ??= [];
        var statuses = new SortedSet<int>(operation.Responses.Keys.Select(int.Parse).Where(s => s >= 400));
        var hasBody = operation.RequestBody is not null || HttpMethods.IsPost(description.HttpMethod ?? "");
        if (hasBody || description.ParameterDescriptions.Count > 0) statuses.Add(StatusCodes.Status400BadRequest);
        if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
        {
            statuses.Add(StatusCodes.Status401Unauthorized);
            statuses.Add(StatusCodes.Status403Forbidden);
        }
        if (description.RelativePath.Contains('{')) statuses.Add(StatusCodes.Status404NotFound);
        if (hasBody)
        {
            statuses.Add(StatusCodes.Status413PayloadTooLarge);
            statuses.Add(StatusCodes.Status415UnsupportedMediaType);
        }
        var problem = new OpenApiSchemaReference(SchemaName, context.Document);
        foreach (var status in statuses)
            operation.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponse
            {
                Description = ProblemTitles.For(status),
                Content = new Dictionary<string, OpenApiMediaType> { [ProblemJsonWriter.MediaType] = new() { Schema = problem } },
            };
        operation.Responses["414"] = new OpenApiResponse
        {
            Description = "请求行过长（由服务器直接拒绝，无响应体） / Request line too long (refused by the server itself, no body)",
        };
    }

    /// What <see cref="ApiProblem.ToProblemDetails"/> and <see cref="ProblemJsonWriter"/> write.
    private static OpenApiSchema ProblemSchema()
    {
        static OpenApiSchema Text(string? description = null) => new() { Type = JsonSchemaType.String, Description = description };
        var reason = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["code"] = Text("stable code a client can switch on"), ["zh"] = Text("原因（中文）"), ["en"] = Text("the reason in English"),
            },
            Required = new HashSet<string> { "code", "zh", "en" },
            AdditionalPropertiesAllowed = false,
        };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "RFC 9457 problem details with a stable code and the reason in Chinese and English; errors by field path.",
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = Text(),
                ["title"] = Text(),
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                ["detail"] = Text(),
                ["instance"] = Text(),
                ["code"] = Text("stable code a client can switch on, e.g. missing-token, malformed-json, too-large"),
                ["zh"] = Text("原因（中文）"),
                ["en"] = Text("the reason in English"),
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "reasons by field path (attendance[3].member, Idempotency-Key, $ for the whole body)",
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = reason },
                },
                ["traceId"] = Text("the request's id in the server's log"),
            },
            Required = new HashSet<string> { "type", "title", "status", "code", "zh", "en", "traceId" },
            AdditionalPropertiesAllowed = false,
        };
    }
}
