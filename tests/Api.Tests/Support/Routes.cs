using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace PointsEngine.Api.Tests.Support;

/// The server's own routing table, so tests that must cover every endpoint fail when one is added.
public static class Routes
{
    /// The route patterns (without a trailing slash) the server maps for an HTTP method.
    public static List<string> Patterns(IServiceProvider services, string method) =>
        [.. services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains(method) == true)
            .Select(e => e.RoutePattern.RawText!.TrimEnd('/'))
            .Distinct().Order(StringComparer.Ordinal)];

    /// The query parameters each endpoint declares, from the server's API description, keyed "GET /api/…".
    public static Dictionary<string, string[]> QueryParameters(IServiceProvider services) =>
        services.GetRequiredService<IApiDescriptionGroupCollectionProvider>().ApiDescriptionGroups.Items.SelectMany(g => g.Items)
            .GroupBy(d => $"{d.HttpMethod} /{d.RelativePath!.TrimEnd('/')}")
            .ToDictionary(g => g.Key, g => g.SelectMany(d => d.ParameterDescriptions).Where(p => p.Source == BindingSource.Query)
                .Select(p => p.Name).Distinct().ToArray());
}
