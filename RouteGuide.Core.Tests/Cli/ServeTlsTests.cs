using System.Text.Json;
using RouteGuide.Cli;
using RouteGuide.Core.Tests.Endpoint;

namespace RouteGuide.Core.Tests.Cli;

/// <summary>
/// <c>serve --cert --key [--client-ca]</c> and the TLS options of <c>record</c>, over real TLS on 127.0.0.1 with
/// certificates made for the run.
/// </summary>
public class ServeTlsTests
{
    private const string Route = """[{"latitude":488583701,"longitude":22944813},{"latitude":1,"longitude":1},{"latitude":515007292,"longitude":-1246254}]""";

    private TestCertificates _certificates = null!;
    private string _route = null!;

    [OneTimeSetUp]
    public void MakeCertificates()
    {
        _certificates = new TestCertificates();
        _route = _certificates.Write("route.json", Route);
    }

    [OneTimeTearDown]
    public void DeleteCertificates() => _certificates.Dispose();

    [Test]
    public async Task Serve_with_a_certificate_answers_a_client_that_trusts_its_authority_with_the_exact_summary()
    {
        await using var serve = await ServingCli.StartAsync("--port", "0", "--cert", _certificates.ServerPem, "--key", _certificates.ServerKey);
        serve.Address.Should().MatchRegex(@"^https://127\.0\.0\.1:\d+$");

        var record = await CliRunner.RunAsync("record", "--target", serve.Address, "--points", _route, "--json", "--ca", _certificates.CaPem);

        ShouldBeTheRoutesSummary(record);
    }

    [Test]
    public async Task A_client_that_does_not_trust_the_servers_authority_is_told_to_give_it_with_ca()
    {
        await using var serve = await ServingCli.StartAsync("--port", "0", "--cert", _certificates.ServerPem, "--key", _certificates.ServerKey);

        var record = await CliRunner.RunAsync("record", "--target", serve.Address, "--points", _route, "--ca", _certificates.OtherCaPem);

        record.ShouldFailWith(ExitCodes.Failure, $"cannot talk to the RouteGuide server at {serve.Address}: its certificate is not trusted", "--ca");
    }

    [Test]
    public async Task Mutual_TLS_gives_a_client_with_a_certificate_from_the_client_authority_its_exact_summary()
    {
        await using var serve = await StartMutualTlsAsync();

        var record = await CliRunner.RunAsync(
            "record", "--target", serve.Address, "--points", _route, "--json",
            "--ca", _certificates.CaPem, "--client-cert", _certificates.ClientPem, "--client-key", _certificates.ClientKey);

        ShouldBeTheRoutesSummary(record);
    }

    [Test]
    public async Task Mutual_TLS_refuses_a_client_without_a_certificate()
    {
        await using var serve = await StartMutualTlsAsync();

        var record = await CliRunner.RunAsync("record", "--target", serve.Address, "--points", _route, "--ca", _certificates.CaPem);

        record.ShouldFailWith(ExitCodes.Failure, $"cannot talk to the RouteGuide server at {serve.Address}: it requires a client certificate (mutual TLS): give one with --client-cert and --client-key.");
        record.Output.Should().BeEmpty();
    }

    [Test]
    public async Task Mutual_TLS_refuses_a_client_certificate_from_another_authority()
    {
        await using var serve = await StartMutualTlsAsync();

        var record = await CliRunner.RunAsync(
            "record", "--target", serve.Address, "--points", _route,
            "--ca", _certificates.CaPem, "--client-cert", _certificates.OtherClientPem, "--client-key", _certificates.OtherClientKey);

        record.ShouldFailWith(ExitCodes.Failure, $"cannot talk to the RouteGuide server at {serve.Address}: it refused the client certificate in {_certificates.OtherClientPem}");
        record.Output.Should().BeEmpty();
    }

    [Test]
    public async Task A_TLS_client_of_an_h2c_server_is_told_so_in_one_line()
    {
        await using var serve = await ServingCli.StartAsync("--port", "0");
        var https = serve.Address.Replace("http://", "https://", StringComparison.Ordinal);

        var record = await CliRunner.RunAsync("record", "--target", https, "--points", _route, "--ca", _certificates.CaPem);

        record.ShouldFailWith(ExitCodes.Failure, $"cannot talk to the RouteGuide server at {https}: it does not speak TLS on that port", $"use --target {serve.Address}");
        record.Error.Should().NotContain("frame size");
    }

    [Test]
    public async Task An_h2c_client_of_a_TLS_server_is_told_so_in_one_line()
    {
        await using var serve = await ServingCli.StartAsync("--port", "0", "--cert", _certificates.ServerPem, "--key", _certificates.ServerKey);
        var http = serve.Address.Replace("https://", "http://", StringComparison.Ordinal);

        var record = await CliRunner.RunAsync("record", "--target", http, "--points", _route);

        record.ShouldFailWith(ExitCodes.Failure, $"cannot talk to the RouteGuide server at {http}: it closed the connection without answering in HTTP/2 cleartext (h2c)", $"use --target {serve.Address}");
    }

    [Test]
    public async Task Serve_over_https_urls_uses_the_certificate()
    {
        await using var serve = await ServingCli.StartAsync("--urls", "https://127.0.0.1:0", "--cert", _certificates.ServerPem, "--key", _certificates.ServerKey);

        var record = await CliRunner.RunAsync("record", "--target", serve.Address, "--points", _route, "--json", "--ca", _certificates.CaPem);

        ShouldBeTheRoutesSummary(record);
    }

    [Test]
    public async Task Certificate_and_key_files_that_cannot_be_used_are_named_with_the_problem()
    {
        var missing = Path.Combine(_certificates.Directory, "missing.pem");
        var empty = _certificates.Write("empty.pem", string.Empty);
        (string[] Args, string[] Mentions)[] cases =
        [
            (["--cert", missing, "--key", _certificates.ServerKey], ["--cert " + missing, "no such file"]),
            (["--cert", _certificates.ServerPem, "--key", missing], ["--key " + missing, "no such file"]),
            (["--cert", _certificates.Directory, "--key", _certificates.ServerKey], ["--cert " + _certificates.Directory, "is a directory"]),
            (["--cert", _certificates.ServerKey, "--key", _certificates.ServerKey], ["--cert " + _certificates.ServerKey, "holds no PEM certificate", "is it the key file?"]),
            (["--cert", _certificates.ServerPem, "--key", _certificates.ServerPem], ["--key " + _certificates.ServerPem, "holds no PEM private key"]),
            (["--cert", _certificates.ServerPem, "--key", _certificates.ClientKey], ["--key " + _certificates.ClientKey, "does not match the certificate in " + _certificates.ServerPem]),
            (["--cert", _certificates.ServerPem, "--key", _certificates.ServerKey, "--client-ca", empty], ["--client-ca " + empty, "holds no PEM certificate"]),
        ];

        foreach (var (args, mentions) in cases)
        {
            var result = await CliRunner.RunAsync(["serve", "--port", "0", .. args]);

            result.ShouldFailWith(ExitCodes.InputError, ["routeguide serve: ", .. mentions]);
            result.Output.Should().NotContain("Listening on");
        }
    }

    [Test]
    public async Task A_client_key_that_does_not_match_its_certificate_is_named()
    {
        var result = await CliRunner.RunAsync(
            "record", "--target", "https://127.0.0.1:1", "--random", "3", "--client-cert", _certificates.ClientPem, "--client-key", _certificates.ServerKey);

        result.ShouldFailWith(ExitCodes.InputError, "routeguide record: --client-key " + _certificates.ServerKey, "does not match the certificate in " + _certificates.ClientPem);
    }

    [TestCase("serve", "--port", "0", "--cert", "a.pem")]
    [TestCase("serve", "--port", "0", "--key", "a.key")]
    [TestCase("serve", "--port", "0", "--client-ca", "ca.pem")]
    [TestCase("serve", "--urls", "https://127.0.0.1:0")]
    [TestCase("serve", "--urls", "http://127.0.0.1:0", "--cert", "a.pem", "--key", "a.key")]
    [TestCase("record", "--target", "http://127.0.0.1:1", "--random", "3", "--ca", "ca.pem")]
    [TestCase("record", "--target", "https://127.0.0.1:1", "--random", "3", "--client-cert", "c.pem")]
    [TestCase("bench", "--in-process", "--ca", "ca.pem")]
    public async Task TLS_options_that_do_not_go_together_are_a_usage_error(params string[] args)
    {
        var result = await CliRunner.RunAsync(args);

        result.ShouldFailWith(ExitCodes.InputError, "routeguide " + args[0] + ": ", "--help");
    }

    [TestCase("http://0.0.0.0:50051", true)]
    [TestCase("http://[::]:50051", true)]
    [TestCase("http://192.168.1.20:50051", true)]
    [TestCase("http://127.0.0.1:50051", false)]
    [TestCase("http://localhost:50051", false)]
    [TestCase("http://[::1]:50051", false)]
    [TestCase("https://0.0.0.0:50051", false)]
    public void Plaintext_on_an_address_other_machines_can_reach_is_warned_about(string address, bool warned)
    {
        var warning = RouteGuide.Cli.Commands.ServeCommand.PlaintextWarning(new Uri(address));

        if (warned)
        {
            warning.Should().StartWith("routeguide serve: warning: " + new Uri(address).Display() + " is plaintext").And.Contain("--cert and --key");
        }
        else
        {
            warning.Should().BeNull();
        }
    }

    private static void ShouldBeTheRoutesSummary(CliResult record)
    {
        record.ExitCode.Should().Be(ExitCodes.Success, record.Error);
        var summary = JsonDocument.Parse(record.Output).RootElement;
        summary.GetProperty("pointsSent").GetInt32().Should().Be(3);
        summary.GetProperty("pointCount").GetInt32().Should().Be(3);
        summary.GetProperty("featureCount").GetInt32().Should().Be(2, "the route passes two features of the embedded catalog");
    }

    private Task<ServingCli> StartMutualTlsAsync() => ServingCli.StartAsync(
        "--port", "0", "--cert", _certificates.ServerPem, "--key", _certificates.ServerKey, "--client-ca", _certificates.CaPem);
}
