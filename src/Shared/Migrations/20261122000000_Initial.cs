using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MailHost.Shared.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Accounts",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Address = table.Column<string>(type: "TEXT", nullable: false),
                    PasswordHash = table.Column<string>(type: "TEXT", nullable: false),
                    QuotaBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    AllowSmtp = table.Column<bool>(type: "INTEGER", nullable: false),
                    AllowImap = table.Column<bool>(type: "INTEGER", nullable: false),
                    AllowPop3 = table.Column<bool>(type: "INTEGER", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Accounts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AdminUsers",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserName = table.Column<string>(type: "TEXT", nullable: false),
                    PasswordHash = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AdminUsers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Aliases",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Address = table.Column<string>(type: "TEXT", nullable: false),
                    Targets = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Aliases", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditLog",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TimeUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", nullable: false),
                    Action = table.Column<string>(type: "TEXT", nullable: false),
                    Entity = table.Column<string>(type: "TEXT", nullable: false),
                    OldValue = table.Column<string>(type: "TEXT", nullable: false),
                    NewValue = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditLog", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Certificates",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    FilePath = table.Column<string>(type: "TEXT", nullable: false),
                    HostNames = table.Column<string>(type: "TEXT", nullable: false),
                    Thumbprint = table.Column<string>(type: "TEXT", nullable: false),
                    KeyAlgorithm = table.Column<string>(type: "TEXT", nullable: false),
                    NotAfterUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    IsDefault = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Certificates", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DeliveryLog",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TimeUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", nullable: false),
                    Sender = table.Column<string>(type: "TEXT", nullable: false),
                    Recipient = table.Column<string>(type: "TEXT", nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    Result = table.Column<string>(type: "TEXT", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: false),
                    RemoteHost = table.Column<string>(type: "TEXT", nullable: false),
                    TlsVersion = table.Column<string>(type: "TEXT", nullable: false),
                    Cipher = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliveryLog", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DkimKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Domain = table.Column<string>(type: "TEXT", nullable: false),
                    Selector = table.Column<string>(type: "TEXT", nullable: false),
                    Algorithm = table.Column<int>(type: "INTEGER", nullable: false),
                    PrivateKeyPem = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DkimKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Domains",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Domains", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IpBans",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Address = table.Column<string>(type: "TEXT", nullable: false),
                    BannedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UntilUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IpBans", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IpRanges",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Priority = table.Column<int>(type: "INTEGER", nullable: false),
                    LowerAddress = table.Column<string>(type: "TEXT", nullable: false),
                    UpperAddress = table.Column<string>(type: "TEXT", nullable: false),
                    ExpiresUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AllowSmtp = table.Column<bool>(type: "INTEGER", nullable: false),
                    AllowImap = table.Column<bool>(type: "INTEGER", nullable: false),
                    AllowPop3 = table.Column<bool>(type: "INTEGER", nullable: false),
                    AllowAuth = table.Column<bool>(type: "INTEGER", nullable: false),
                    RequireTlsForAuth = table.Column<bool>(type: "INTEGER", nullable: false),
                    AllowRelay = table.Column<bool>(type: "INTEGER", nullable: false),
                    AllowLocalDeliveryWithoutAuth = table.Column<bool>(type: "INTEGER", nullable: false),
                    NeverBan = table.Column<bool>(type: "INTEGER", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IpRanges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RelayRules",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Order = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    WhenAuthenticated = table.Column<bool>(type: "INTEGER", nullable: true),
                    IpRangeId = table.Column<int>(type: "INTEGER", nullable: true),
                    SenderDomain = table.Column<string>(type: "TEXT", nullable: false),
                    RecipientDomain = table.Column<string>(type: "TEXT", nullable: false),
                    Action = table.Column<int>(type: "INTEGER", nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: false),
                    SmartHost = table.Column<string>(type: "TEXT", nullable: false),
                    SmartHostPort = table.Column<int>(type: "INTEGER", nullable: false),
                    SmartHostUser = table.Column<string>(type: "TEXT", nullable: false),
                    SmartHostPassword = table.Column<string>(type: "TEXT", nullable: false),
                    OutboundTls = table.Column<int>(type: "INTEGER", nullable: false),
                    OutboundTls12 = table.Column<bool>(type: "INTEGER", nullable: false),
                    OutboundTls13 = table.Column<bool>(type: "INTEGER", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RelayRules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ServerSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Revision = table.Column<long>(type: "INTEGER", nullable: false),
                    Hostname = table.Column<string>(type: "TEXT", nullable: false),
                    Banner = table.Column<string>(type: "TEXT", nullable: false),
                    MaxMessageSize = table.Column<long>(type: "INTEGER", nullable: false),
                    MaxRecipients = table.Column<int>(type: "INTEGER", nullable: false),
                    VrfyEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    ReceivedHeaderShowsAuthUser = table.Column<bool>(type: "INTEGER", nullable: false),
                    RetrySchedule = table.Column<string>(type: "TEXT", nullable: false),
                    GiveUpAfterHours = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxConnectionsPerIp = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxErrorsPerSession = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxCommandsBeforeMail = table.Column<int>(type: "INTEGER", nullable: false),
                    AuthFailLimit = table.Column<int>(type: "INTEGER", nullable: false),
                    AuthFailWindowMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    AuthBanMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ServerSettings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TlsLog",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TimeUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Listener = table.Column<string>(type: "TEXT", nullable: false),
                    RemoteEndpoint = table.Column<string>(type: "TEXT", nullable: false),
                    Protocol = table.Column<string>(type: "TEXT", nullable: false),
                    TlsVersion = table.Column<string>(type: "TEXT", nullable: false),
                    Cipher = table.Column<string>(type: "TEXT", nullable: false),
                    Sni = table.Column<string>(type: "TEXT", nullable: false),
                    AuthMechanism = table.Column<string>(type: "TEXT", nullable: false),
                    AuthResult = table.Column<string>(type: "TEXT", nullable: false),
                    AuthUser = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TlsLog", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TlsPolicies",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Tls10 = table.Column<bool>(type: "INTEGER", nullable: false),
                    Tls11 = table.Column<bool>(type: "INTEGER", nullable: false),
                    Tls12 = table.Column<bool>(type: "INTEGER", nullable: false),
                    Tls13 = table.Column<bool>(type: "INTEGER", nullable: false),
                    CipherList = table.Column<string>(type: "TEXT", nullable: false),
                    Tls13Suites = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TlsPolicies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Listeners",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Protocol = table.Column<int>(type: "INTEGER", nullable: false),
                    BindAddress = table.Column<string>(type: "TEXT", nullable: false),
                    Port = table.Column<int>(type: "INTEGER", nullable: false),
                    TlsMode = table.Column<int>(type: "INTEGER", nullable: false),
                    AuthAllowed = table.Column<bool>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    TlsPolicyId = table.Column<int>(type: "INTEGER", nullable: true),
                    MaxConnections = table.Column<int>(type: "INTEGER", nullable: false),
                    IdleTimeoutSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Listeners", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Listeners_TlsPolicies_TlsPolicyId",
                        column: x => x.TlsPolicyId,
                        principalTable: "TlsPolicies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Accounts_Address",
                table: "Accounts",
                column: "Address",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AdminUsers_UserName",
                table: "AdminUsers",
                column: "UserName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Aliases_Address",
                table: "Aliases",
                column: "Address",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditLog_TimeUtc",
                table: "AuditLog",
                column: "TimeUtc");

            migrationBuilder.CreateIndex(
                name: "IX_Certificates_Name",
                table: "Certificates",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryLog_MessageId",
                table: "DeliveryLog",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryLog_TimeUtc",
                table: "DeliveryLog",
                column: "TimeUtc");

            migrationBuilder.CreateIndex(
                name: "IX_DkimKeys_Domain_Selector",
                table: "DkimKeys",
                columns: new[] { "Domain", "Selector" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Domains_Name",
                table: "Domains",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IpBans_Address",
                table: "IpBans",
                column: "Address");

            migrationBuilder.CreateIndex(
                name: "IX_IpRanges_Name",
                table: "IpRanges",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Listeners_Name",
                table: "Listeners",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Listeners_TlsPolicyId",
                table: "Listeners",
                column: "TlsPolicyId");

            migrationBuilder.CreateIndex(
                name: "IX_TlsLog_TimeUtc",
                table: "TlsLog",
                column: "TimeUtc");

            migrationBuilder.CreateIndex(
                name: "IX_TlsPolicies_Name",
                table: "TlsPolicies",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Accounts");

            migrationBuilder.DropTable(
                name: "AdminUsers");

            migrationBuilder.DropTable(
                name: "Aliases");

            migrationBuilder.DropTable(
                name: "AuditLog");

            migrationBuilder.DropTable(
                name: "Certificates");

            migrationBuilder.DropTable(
                name: "DeliveryLog");

            migrationBuilder.DropTable(
                name: "DkimKeys");

            migrationBuilder.DropTable(
                name: "Domains");

            migrationBuilder.DropTable(
                name: "IpBans");

            migrationBuilder.DropTable(
                name: "IpRanges");

            migrationBuilder.DropTable(
                name: "Listeners");

            migrationBuilder.DropTable(
                name: "RelayRules");

            migrationBuilder.DropTable(
                name: "ServerSettings");

            migrationBuilder.DropTable(
                name: "TlsLog");

            migrationBuilder.DropTable(
                name: "TlsPolicies");
        }
    }
}
