using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RouteGuide.Core.Notes;
using RouteGuide.Core.Rpc;
using StackExchange.Redis;

namespace RouteGuide.Core.Redis;

/// <summary>Registers RouteChat's note store in Redis.</summary>
public static class RouteGuideRedisServiceCollectionExtensions
{
    /// <summary>
    /// Keeps RouteChat's notes in Redis, so that every server using the same Redis (and key prefix) shares
    /// them, with the caps of the registered <see cref="RouteGuideServiceOptions"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Replaces any <see cref="IRouteNoteStore"/> registered before, and <see cref="RouteGuideServiceCollectionExtensions.AddRouteGuide"/>
    /// keeps it whether it is called before or after. The connection opens on the first RouteChat note.
    /// </para>
    /// <para>
    /// The server starts and serves RecordRoute, GetFeature and ListFeatures whether or not Redis is up.
    /// While Redis cannot be reached, RouteChat fails at once with <c>Unavailable</c>; the client keeps
    /// reconnecting (every second) and RouteChat works again as soon as Redis is back. To that end the
    /// configuration's <c>abortConnect</c> is always false, commands are never queued while disconnected,
    /// and reconnection is retried every second.
    /// </para>
    /// </remarks>
    /// <param name="services">The application's services.</param>
    /// <param name="configuration">
    /// A StackExchange.Redis configuration string: <c>host:port</c>, optionally followed by options such as
    /// <c>,password=...,ssl=true,connectTimeout=5000</c>.
    /// </param>
    /// <param name="configure">Adjusts the key prefix; see <see cref="RouteGuideRedisNotesOptions"/>.</param>
    /// <returns>The same services, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="configuration"/> is not a valid configuration string, or names no server.</exception>
    public static IServiceCollection AddRouteGuideRedisNotes(
        this IServiceCollection services, string configuration, Action<RouteGuideRedisNotesOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        ConfigurationOptions connection;
        try
        {
            connection = ConfigurationOptions.Parse(configuration);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"'{configuration}' is not a Redis configuration string such as 127.0.0.1:6379: {e.Message}", nameof(configuration), e);
        }

        if (connection.EndPoints.Count == 0)
        {
            throw new ArgumentException($"The Redis configuration string '{configuration}' names no server; write it as host:port, e.g. 127.0.0.1:6379.", nameof(configuration));
        }

        connection.AbortOnConnectFail = false;
        connection.BacklogPolicy = BacklogPolicy.FailFast;
        connection.ReconnectRetryPolicy = new LinearRetry(1_000);

        var options = new RouteGuideRedisNotesOptions();
        configure?.Invoke(options);
        options.Validate();

        services.TryAddSingleton(RouteGuideServiceOptions.Default);
        services.RemoveAll<IRouteNoteStore>();
        services.AddSingleton<IRouteNoteStore>(provider => new RedisRouteNoteStore(connection, options, provider.GetRequiredService<RouteGuideServiceOptions>()));
        return services;
    }
}
