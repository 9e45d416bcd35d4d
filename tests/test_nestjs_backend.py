"""A NestJS server as `nest new` writes it, with Better Auth through @thallesp/nestjs-better-auth (the shape most
NestJS + Better Auth servers share): AppController asks for AppService by its type alone, which Nest reads from
the decorator metadata TypeScript emits (tsconfig's emitDecoratorMetadata). esbuild emits none, so the bundle
built the controller without its service and the first request failed; TypeScript now compiles such a
backend's files before esbuild bundles them."""

from __future__ import annotations

import json

import pytest

from harness import docker
from tests.conftest import space_tools
from tests.support.shapes import make_space, node_backend, running, sign_up

PACKAGE = {
    "name": "nest-api", "version": "0.0.1", "private": True, "license": "UNLICENSED",
    "scripts": {"build": "nest build", "start": "nest start", "start:dev": "nest start --watch",
                "start:prod": "node dist/main"},
    "dependencies": {"@nestjs/common": "^11.1.6", "@nestjs/core": "^11.1.6", "@nestjs/platform-express": "^11.1.6",
                     "@thallesp/nestjs-better-auth": "^2.8.0", "better-auth": "^1.5.0",
                     "reflect-metadata": "^0.2.2", "rxjs": "^7.8.1"},
    "devDependencies": {"@nestjs/cli": "^11.0.0", "@types/node": "^22.10.7", "typescript": "^5.9.3"},
}
TSCONFIG = {
    "compilerOptions": {
        "module": "commonjs", "declaration": True, "removeComments": True, "emitDecoratorMetadata": True,
        "experimentalDecorators": True, "allowSyntheticDefaultImports": True, "target": "ES2023",
        "sourceMap": True, "outDir": "./dist", "baseUrl": "./", "incremental": True, "skipLibCheck": True,
        "strictNullChecks": True, "noImplicitAny": False,
    },
}
FILES = {
    "tsconfig.json": json.dumps(TSCONFIG, indent=2) + "\n",
    "nest-cli.json": '{\n  "collection": "@nestjs/schematics",\n  "sourceRoot": "src"\n}\n',
    "src/main.ts": """\
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule, {
    bodyParser: false, // Required for Better Auth
  });
  await app.listen(process.env.PORT ?? 3000);
}
bootstrap();
""",
    "src/app.module.ts": """\
import { Module } from '@nestjs/common';
import { AuthModule } from '@thallesp/nestjs-better-auth';
import { AppController } from './app.controller';
import { AppService } from './app.service';
import { auth } from './lib/auth';

@Module({
  imports: [AuthModule.forRoot({ auth })],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
""",
    "src/app.controller.ts": """\
import { Controller, Get } from '@nestjs/common';
import { AllowAnonymous, Session, type UserSession } from '@thallesp/nestjs-better-auth';
import { AppService } from './app.service';

@Controller()
export class AppController {
  constructor(private readonly appService: AppService) {}

  @Get('hello')
  @AllowAnonymous()
  getHello(): string {
    return this.appService.getHello();
  }

  @Get('me')
  getMe(@Session() session: UserSession) {
    return { email: session.user.email, greeting: this.appService.getHello() };
  }
}
""",
    "src/app.service.ts": """\
import { Injectable } from '@nestjs/common';

@Injectable()
export class AppService {
  getHello(): string {
    return 'Hello World!';
  }
}
""",
    "src/lib/auth.ts": """\
import { betterAuth } from 'better-auth';
import { DatabaseSync } from 'node:sqlite';

export const auth = betterAuth({
  database: new DatabaseSync('auth.db'),
  emailAndPassword: { enabled: true },
});
""",
}


@pytest.mark.docker
def test_a_nestjs_server_gets_its_services_by_type_and_signs_up(render, cli, tmp_path):
    space = make_space(render, "node", node_backend(tmp_path / "backend", PACKAGE, FILES), "nestjs")

    with running(cli, space) as url:
        hello = docker.http_get(f"{url}/hello")
        user = sign_up(url)
        cookie = user["set-cookie"].split(";")[0]
        me = docker.http_get(f"{url}/me", headers={"cookie": cookie})
    assert hello == (200, b"Hello World!")
    assert user["user"]["email"] == "ada@example.com"
    assert me[0] == 200 and json.loads(me[1]) == {"email": "ada@example.com", "greeting": "Hello World!"}
    assert space.settings["entry_file"] == "src/main.ts"
    assert "ok: " in space_tools(space.project, "check").stdout
